/**
 * `npm run cli -- <command>`: manage organisations, users and sign-ins on the configured
 * storage (DATABASE_URL, or the embedded one in COHORT_DATA_DIR; stop the server first
 * when it is embedded: only one process can open it).
 *
 *   org:add <id> <name>
 *   user:add --org <id> --email <email> --role admin|practitioner|viewer [--name <name>] [--move]   (password on stdin;
 *            --move: the email belongs to another organisation, and moves here)
 *   user:list
 *   sessions:revoke <email>
 *   token:add --org <id> --name <name> --permissions <p1,p2,…> [--expires YYYY-MM-DD]   (prints the secret once)
 *   token:list [--org <id>]
 *   token:revoke <token id>
 */
import { parseArgs } from 'node:util';
import {
  addApiToken,
  addOrganization,
  addUser,
  CliError,
  listTokens,
  listUsers,
  revokeSessions,
  revokeToken,
} from './cliCommands';
import { configFromEnv } from './config';
import { openDatabase } from './storage/open';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}

const [command, ...rest] = process.argv.slice(2);
const { values, positionals } = parseArgs({
  args: rest,
  allowPositionals: true,
  options: {
    org: { type: 'string' },
    email: { type: 'string' },
    role: { type: 'string' },
    name: { type: 'string' },
    permissions: { type: 'string' },
    move: { type: 'boolean' },
    expires: { type: 'string' },
  },
});

const db = await openDatabase(configFromEnv());
try {
  switch (command) {
    case 'org:add':
      console.log(await addOrganization(db, positionals[0] ?? '', positionals.slice(1).join(' ')));
      break;
    case 'user:add':
      console.log(
        await addUser(db, {
          organizationId: values.org ?? '',
          email: values.email ?? '',
          role: values.role ?? '',
          name: values.name ?? '',
          password: await readStdin(),
          move: values.move === true,
        }),
      );
      break;
    case 'user:list':
      console.log(await listUsers(db));
      break;
    case 'sessions:revoke':
      console.log(await revokeSessions(db, positionals[0] ?? ''));
      break;
    case 'token:add':
      console.log(
        await addApiToken(db, {
          organizationId: values.org ?? '',
          name: values.name ?? '',
          permissions: (values.permissions ?? '')
            .split(',')
            .map((p) => p.trim())
            .filter(Boolean),
          ...(values.expires === undefined ? {} : { expires: values.expires }),
        }),
      );
      break;
    case 'token:list':
      console.log(await listTokens(db, values.org));
      break;
    case 'token:revoke':
      console.log(await revokeToken(db, positionals[0] ?? ''));
      break;
    default:
      throw new CliError(
        'Commands: org:add, user:add, user:list, sessions:revoke, token:add, token:list, token:revoke (see sync/server/cli.ts).',
      );
  }
} catch (error) {
  if (!(error instanceof CliError)) throw error;
  console.error(error.message);
  process.exitCode = 2;
} finally {
  await db.close();
}
