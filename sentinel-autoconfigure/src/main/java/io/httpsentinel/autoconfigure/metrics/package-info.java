/**
 * Auto-configuration of Sentinel's meters and of the client key of the HTTP client
 * observation.
 */
@NullMarked
package io.httpsentinel.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;
