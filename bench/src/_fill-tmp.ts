import { fillViaStagingSteps } from './query-fill';
const [dir, n] = process.argv.slice(2);
const t0 = Date.now();
console.log(await fillViaStagingSteps(dir!, Number(n)), Date.now() - t0, 'ms');
