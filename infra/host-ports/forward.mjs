// A TCP forwarder for the `host-ports` profile of infra/docker-compose.yml: it listens on
// LISTEN_PORT and passes each connection to TARGET (host:port) on the Compose network, so that
// Kafka and ClickHouse are reachable from the host only when that profile is asked for.
import { createConnection, createServer } from 'node:net';

const port = Number(process.env.LISTEN_PORT);
const [host, targetPort] = (process.env.TARGET ?? '').split(':');
if (!Number.isInteger(port) || !host || !Number(targetPort)) {
  console.error('forward: set LISTEN_PORT (a port) and TARGET (host:port)');
  process.exit(1);
}
const server = createServer((client) => {
  const upstream = createConnection({ host, port: Number(targetPort) });
  client.pipe(upstream).pipe(client);
  const close = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', close);
  upstream.on('error', close);
});
server.listen(port, '0.0.0.0', () => console.log(`forwarding :${port} to ${host}:${targetPort}`));
process.once('SIGTERM', () => server.close(() => process.exit(0)));
