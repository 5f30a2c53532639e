/** `npm run server`: the central server, configured by HOST, PORT, DATABASE_URL, COHORT_DATA_DIR. */
import { buildApp } from './app';
import { openChangeBus } from './changeBus';
import { configFromEnv } from './config';
import { openDatabase } from './storage/open';

const config = configFromEnv();
const db = await openDatabase(config);
if (process.env.COHORT_SEED_DEMO === '1') {
  // `npm start` and the end-to-end tests: a newcomer's server comes with the demo organisations.
  const { seed } = await import('./seedData');
  await seed(db);
}
let log: (message: string) => void = (message) => console.warn(message);
const bus = await openChangeBus(config.databaseUrl, (message) => log(message));
const app = await buildApp({ db, bus, config, logger: true });
log = (message) => app.log.warn(message);

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  app.log.info(`${signal}: closing`);
  await app.close();
  await bus.close();
  await db.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

await app.listen({ host: config.host, port: config.port });
app.log.info(`storage: ${db.kind === 'postgres' ? 'PostgreSQL' : `embedded (${config.dataDir})`}`);
