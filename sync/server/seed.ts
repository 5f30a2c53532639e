/** `npm run seed`: creates the demo organisations and users (idempotent) and prints the logins. */
import { configFromEnv } from './config';
import { DEMO_PASSWORD, seed } from './seedData';
import { openDatabase } from './storage/open';

const config = configFromEnv();
const db = await openDatabase(config);
try {
  const orgs = await seed(db);
  console.log(`Seeded ${db.kind === 'postgres' ? 'PostgreSQL' : `embedded storage in ${config.dataDir}`}:`);
  for (const org of orgs) {
    console.log(`  ${org.name}`);
    for (const user of org.users)
      console.log(`    ${user.email.padEnd(26)} ${user.role.padEnd(13)} ${DEMO_PASSWORD}`);
  }
} finally {
  await db.close();
}
