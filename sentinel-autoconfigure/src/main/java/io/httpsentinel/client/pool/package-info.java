/**
 * Connection pool and transport: client settings to a Reactor Netty
 * {@code ConnectionProvider} and {@code HttpClient}.
 */
@NullMarked
package io.httpsentinel.client.pool;

import org.jspecify.annotations.NullMarked;
