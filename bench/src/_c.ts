import { compactStaging } from '../../packages/local/src/query';
const t = performance.now();
const m = await compactStaging({ dataDir: process.argv[2]! });
console.log('compact', ((performance.now() - t) / 1000).toFixed(1), 's', JSON.stringify(m), 'rss', (process.memoryUsage().rss / 1e6) | 0, 'MB');
