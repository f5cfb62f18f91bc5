import { Command } from 'commander';
import { CliUsageError } from '../errors';
import type { CliContext, CommandSpec } from '../kit';
import { COMMANDS } from '../registry';

const SHELLS = ['bash', 'zsh'] as const;
type Shell = (typeof SHELLS)[number];

function shellOf(v: string): Shell {
  if (!(SHELLS as readonly string[]).includes(v)) throw new CliUsageError(`the shell is one of ${SHELLS.join(', ')}`);
  return v as Shell;
}

/** Every command with the long options it declares (each command's module loaded once, nothing run). */
async function optionsByCommand(): Promise<{ name: string; words: string[] }[]> {
  const out: { name: string; words: string[] }[] = [];
  for (const entry of COMMANDS) {
    const spec = await entry.load();
    const cmd = new Command(entry.name);
    const words = ['--help'];
    if (!('raw' in spec)) {
      const leaf = spec.declare(cmd);
      for (const sub of cmd.commands) words.push(sub.name());
      for (const o of leaf.options) if (o.long !== undefined) words.push(o.long);
    }
    out.push({ name: entry.name, words });
  }
  return out;
}

/** A bash completion function (zsh loads it through bashcompinit). */
function script(shell: Shell, commands: { name: string; words: string[] }[]): string {
  const cases = commands.map((c) => `    ${c.name}) words="${c.words.join(' ')}" ;;`).join('\n');
  return `${shell === 'zsh' ? 'autoload -U +X bashcompinit && bashcompinit\n' : ''}# hcdl completion: eval "$(pnpm -s hcdl completion ${shell})"
_hcdl() {
  local cur=\${COMP_WORDS[COMP_CWORD]} words
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "${commands.map((c) => c.name).join(' ')} help --help --version" -- "$cur"))
    return
  fi
  case "\${COMP_WORDS[1]}" in
${cases}
    *) words="" ;;
  esac
  if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "$words" -- "$cur")); else COMPREPLY=($(compgen -f -W "$words" -- "$cur")); fi
}
complete -o filenames -F _hcdl hcdl
`;
}

/** `hcdl completion [bash|zsh]`: prints a shell completion script for hcdl's commands and options. */
export const completionCommand: CommandSpec = {
  declare: (cmd: Command) => cmd.addHelpText('after', '\nAdd to your shell profile: eval "$(pnpm -s hcdl completion bash)" (or zsh).'),
  async run({ io }: CliContext, args) {
    io.stdout.write(script(shellOf((args[0] as string | undefined) ?? 'bash'), await optionsByCommand()));
    return 0;
  },
};
