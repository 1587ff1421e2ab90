/**
 * Auto-configuration of the Sentinel actuator endpoint.
 */
@NullMarked
package io.httpsentinel.autoconfigure.actuate;

import org.jspecify.annotations.NullMarked;
