// A service instance of its own for tests that stop it or starve it: same database and
// secret as the suite's, a free port (or the one given), extra environment as given.
// Resolves to {port, base, proc, exited}.
import { spawn } from 'node:child_process';
import { freePort } from '../integration/lib.mjs';

export async function startInstance(env = {}, port = undefined) {
  port = port ?? await freePort();
  const base = `http://127.0.0.1:${port}`;
  const proc = spawn(process.env.BINARY, ['serve'], {
    // Every client here is 127.0.0.1: the per-address cap (tested on its own in
    // tests/integration/limits.test.mjs) would otherwise be the first limit these tests meet.
    env: { ...process.env, PORT: String(port), LOG_LEVEL: 'warn', MAX_CONNECTIONS_PER_ADDRESS: '100000', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${base}/health`)).status === 200) return { port, base, proc, exited };
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  proc.kill('SIGKILL');
  throw new Error('instance did not start');
}

export async function stopInstance(inst, signal = 'SIGTERM') {
  if (inst.proc.exitCode === null && inst.proc.signalCode === null) inst.proc.kill(signal);
  return inst.exited;
}
