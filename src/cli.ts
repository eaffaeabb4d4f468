// The `takt` command line: one entry for running, administering and exercising Takt.
import { Command, CommanderError } from 'commander';

export async function main(argv: string[]): Promise<void> {
  const program = new Command();
  program
    .name('takt')
    .description('Takt — an open-source Manufacturing Execution System')
    .showHelpAfterError()
    .exitOverride();

  program
    .command('solve')
    .description('solve a job-shop (jssp) or flexible job-shop (fjsp) benchmark file; prints one JSON object')
    .argument('<file>', 'instance file')
    .requiredOption('--format <format>', 'jssp | fjsp')
    .option('--time-limit <seconds>', 'time limit in seconds', '10')
    .option('--seed <n>', 'random seed', '1')
    .action(async (file: string, opts: { format: string; timeLimit: string; seed: string }) => {
      const { runSolveCommand } = await import('./scheduling/solve-command.ts');
      process.exitCode = await runSolveCommand({ file, ...opts });
    });

  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode;
      return;
    }
    throw err;
  }
}
