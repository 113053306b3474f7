// Loaded into a service (NODE_OPTIONS=--import=...) when SEAMLINE_BENCH_CPU_PROFILE_DIR is set:
// a V8 CPU profile of the process, written as <service>-<pid>.cpuprofile when it exits (open it
// in Chrome DevTools or speedscope). Plain JavaScript: it loads before the TypeScript loader.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

const dir = process.env.SEAMLINE_BENCH_CPU_PROFILE_DIR;
if (dir) {
  const service = /services\/([\w-]+)\//.exec(process.argv.join(' '))?.[1] ?? 'process';
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1_000 });
  session.post('Profiler.start');
  // A session in the process's own thread answers at once, so this completes before the exit.
  process.once('exit', () => {
    session.post('Profiler.stop', (error, result) => {
      if (!error) writeFileSync(join(dir, `${service}-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
