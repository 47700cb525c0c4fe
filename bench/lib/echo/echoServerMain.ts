/** Child-process entry of the bare echo server: binds 127.0.0.1:0, prints "echo ready addr=H:P". */
import {
  type sendUnaryData,
  Server,
  type ServerDuplexStream,
  ServerCredentials,
  type ServerUnaryCall,
  type ServerWritableStream,
} from "@grpc/grpc-js";
import { ECHO_READY_PREFIX, ECHO_SERVICE } from "./echoService.js";

const server = new Server();
server.addService(ECHO_SERVICE, {
  unary(call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) {
    callback(null, call.request);
  },
  serverStream(call: ServerWritableStream<Buffer, Buffer>) {
    let stopped = false;
    call.on("cancelled", () => {
      stopped = true;
    });
    // Write until grpc-js signals backpressure, then resume on 'drain' (as the router does).
    const pump = () => {
      while (!stopped) {
        if (!call.write(call.request)) {
          call.once("drain", pump);
          return;
        }
      }
    };
    pump();
  },
  bidi(call: ServerDuplexStream<Buffer, Buffer>) {
    call.on("data", (b: Buffer) => call.write(b));
    call.on("end", () => call.end());
  },
});
server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (error, port) => {
  if (error) {
    console.error(error);
    process.exit(1);
  }
  console.log(`${ECHO_READY_PREFIX}addr=127.0.0.1:${port}`);
});
const stop = () => server.tryShutdown(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
