/**
 * Auto-configuration for Sentinel: wiring only, from {@code sentinel.*} properties to
 * clients.
 */
@NullMarked
package io.httpsentinel.autoconfigure;

import org.jspecify.annotations.NullMarked;
