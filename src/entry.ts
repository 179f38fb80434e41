import { runCli } from './cli/main.ts';
import { serveFromEnvironment } from './main.ts';

/** `tessera [serve]` runs the service; every other command is the admin CLI. */
const argv = process.argv.slice(2);
if (argv.length === 0 || argv[0] === 'serve') {
  await serveFromEnvironment();
} else {
  process.exitCode = await runCli(argv, {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  });
}
