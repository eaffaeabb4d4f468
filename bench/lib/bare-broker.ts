// A plain aedes broker with no Takt behind it: the baseline of bench:ingest. Prints its port, then runs until killed.
import net from 'node:net';
import { Aedes } from 'aedes';

const broker = await Aedes.createBroker();
const server = net.createServer(broker.handle as (s: net.Socket) => void);
server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as net.AddressInfo).port}\n`));
