/**
 * Public client API: named, pooled clients for external HTTP APIs.
 */
@NullMarked
package io.httpsentinel.client;

import org.jspecify.annotations.NullMarked;
