/**
 * The part of the untyped `smpp` package (0.5.1, CommonJS) that Tessera and its SMSC simulator
 * use. PDU fields are the SMPP v3.4 parameter and TLV names, in snake_case, as the package parses
 * and writes them.
 */
declare module 'smpp' {
  import type { EventEmitter } from 'node:events';
  import type { Server as NetServer, Socket } from 'node:net';

  namespace smpp {
    /** A short_message or message_payload after the package decoded it by data_coding. */
    interface DecodedMessage {
      message: string | Buffer;
      udh?: Buffer[];
    }

    type PduValue = string | number | Buffer | Date | DecodedMessage | null | undefined;

    class PDU {
      constructor(command: string, options?: Record<string, PduValue>);
      /** Parses one whole PDU. */
      constructor(buffer: Buffer);
      command: string;
      command_id: number;
      command_length: number;
      command_status: number;
      sequence_number: number;
      [field: string]: unknown;
      isResponse(): boolean;
      /** The matching *_resp (generic_nack for an unknown command), same sequence number. */
      response(options?: Record<string, PduValue>): PDU;
      toBuffer(): Buffer;
    }

    class Session extends EventEmitter {
      socket: Socket;
      /** Assigns the next sequence number to a request without one; false when the socket is not writable. */
      send(pdu: PDU, responseCallback?: (response: PDU) => void): boolean;
      /** Ends the socket (FIN). */
      close(callback?: () => void): void;
      destroy(callback?: () => void): void;
    }

    interface Server extends NetServer {
      sessions: Session[];
    }

    interface ConnectOptions {
      host: string;
      port: number;
    }

    function connect(options: ConnectOptions): Session;
    function createServer(listener?: (session: Session) => void): Server;

    const errors: Record<string, number>;
  }

  export = smpp;
}
