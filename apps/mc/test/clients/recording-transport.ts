import type { JSONRPCMessage, Transport, TransportSendOptions } from "@modelcontextprotocol/client";

/** One protocol message as seen by the client. */
export interface RecordedMessage {
  direction: "client→server" | "server→client";
  message: JSONRPCMessage;
}

/**
 * Wraps a client transport and records every JSON-RPC message in both directions, for
 * transcripts. Everything else is delegated.
 */
export class RecordingTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: Transport["onmessage"];
  readonly messages: RecordedMessage[] = [];

  /** @param inner - the real transport */
  constructor(private readonly inner: Transport) {}

  get sessionId(): string | undefined {
    return this.inner.sessionId;
  }

  async start(): Promise<void> {
    this.inner.onmessage = (message, extra) => {
      this.messages.push({ direction: "server→client", message });
      this.onmessage?.(message, extra);
    };
    this.inner.onclose = () => this.onclose?.();
    this.inner.onerror = (error) => this.onerror?.(error);
    await this.inner.start();
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    this.messages.push({ direction: "client→server", message });
    await this.inner.send(message, options);
  }

  async close(): Promise<void> {
    await this.inner.close();
  }
}
