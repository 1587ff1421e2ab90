/**
 * Testcontainers support: a container annotated {@code @ServiceConnection(name =
 * "<client>")} sets the base URL of that Sentinel client.
 */
@NullMarked
package io.httpsentinel.test.testcontainers;

import org.jspecify.annotations.NullMarked;
