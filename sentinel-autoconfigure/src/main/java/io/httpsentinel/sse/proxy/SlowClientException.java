package io.httpsentinel.sse.proxy;

import java.io.IOException;

/**
 * Ends a forwarded stream whose downstream client read too slowly, where the proxy could
 * not close the client's connection itself.
 */
final class SlowClientException extends IOException {

	SlowClientException(String clientName) {
		super("SSE stream of client '" + clientName + "': downstream client too slow, dropped");
	}

}
