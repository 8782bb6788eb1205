/**
 * `vigil` command line. Data goes to stdout, logs and progress to stderr, so output can be piped.
 * Commands run the same code paths as the server.
 */
import { evaluateDetectorsCommand } from './evaluate-detectors.ts';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.ts';
import { DatabaseLockedError } from '../store/database.ts';
import { codeDeathsCommand } from './code-deaths.ts';
import { codeEdCommand } from './code-ed.ts';
import { demoCommand } from './demo.ts';
import { ingestCommand } from './ingest.ts';
import { jobsCommand } from './jobs.ts';
import { populationsCommand } from './populations.ts';
import { serveCommand } from './serve.ts';
import { tokensCommand } from './tokens.ts';
import { UsageError } from './usage-error.ts';

const USAGE = `vigil: public-health surveillance pipeline

Usage: npm run --silent vigil -- <command> [options]

Commands:
  serve [--demo-if-empty] [--port N]   serve the API, the dashboard and the scheduled jobs
  demo [--scale X] [--seed N] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--out DIR] [--no-load]
                                        generate the synthetic demo data set and load it
  ingest FILE...                        load certificate files and ED feeds; prints each batch report (JSON)
  code deaths FILE [--ije OUT]          code a certificate file (CSV template, IJE, VRDR JSON); NDJSON, one line per
                                        certificate; --ije OUT writes an IJE file back with the codes in place
  code ed FILE                          code an ED feed (ED CSV/NDJSON, HL7 v2 ADT); NDJSON, one line per visit
  jobs [run inbox|recode|detect|refresh-aggregates]
                                        list recent job runs (NDJSON), or run a job now
  populations load FILE                 load population estimates by county, year, age group and sex
                                        (CSV fips,year,age_group,sex,population) for age-adjusted rates; prints a summary (JSON)
  tokens create --role ROLE --name NAME [--jurisdiction XX ...]
                                        create an API token (admin, uploader, coder, epidemiologist; an uploader
                                        names its jurisdictions); prints it once as JSON
  tokens list                           every token (NDJSON; never a secret)
  tokens revoke TOKEN_ID                revoke a token (kept, revoked, for the audit log)
  evaluate-detectors [--seed N] [--states OH,KY,...] [--outbreaks N] [--replicates R] [--no-scan]
                                        score every detector on outbreaks injected into synthetic county series (NDJSON)

Configuration comes from environment variables (see README, .env.example).`;

async function main(argv: string[]): Promise<number> {
  // Its own flags: parsed by the command, before the strict parse below.
  if (argv[0] === 'evaluate-detectors') return evaluateDetectorsCommand(argv.slice(1));
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      'demo-if-empty': { type: 'boolean' },
      port: { type: 'string' },
      scale: { type: 'string' },
      seed: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      out: { type: 'string' },
      ije: { type: 'string' },
      'no-load': { type: 'boolean' },
      role: { type: 'string' },
      name: { type: 'string' },
      jurisdiction: { type: 'string', multiple: true },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || command === undefined || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const config = loadConfig(values.port ? { ...process.env, PORT: values.port } : process.env);
  switch (command) {
    case 'serve':
      return serveCommand(config, { demoIfEmpty: values['demo-if-empty'] ?? false });
    case 'demo':
      return demoCommand(config, {
        scale: values.scale,
        seed: values.seed,
        from: values.from,
        to: values.to,
        out: values.out,
        load: !values['no-load'],
      });
    case 'ingest':
      return ingestCommand(config, rest);
    case 'code':
      if (rest[0] === 'ed' && rest.length === 2) return codeEdCommand(rest[1]!);
      if (rest[0] !== 'deaths' || rest.length !== 2) throw new UsageError('usage: vigil code deaths FILE [--ije OUT] | vigil code ed FILE');
      return codeDeathsCommand(rest[1]!, { ijeOut: values.ije });
    case 'jobs':
      return jobsCommand(config, rest);
    case 'populations':
      return populationsCommand(config, rest);
    case 'tokens':
      return tokensCommand(config, rest, { role: values.role, name: values.name, jurisdiction: values.jurisdiction });
    default:
      throw new UsageError(`unknown command: ${command}\n\n${USAGE}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const expected = error instanceof UsageError || error instanceof ConfigError || error instanceof DatabaseLockedError || (error as { code?: string })?.code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`vigil: ${expected && error instanceof Error ? error.message : error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 2;
  },
);
