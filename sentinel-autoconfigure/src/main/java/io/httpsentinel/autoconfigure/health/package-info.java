/**
 * Auto-configuration of the Sentinel health contributor.
 */
@NullMarked
package io.httpsentinel.autoconfigure.health;

import org.jspecify.annotations.NullMarked;
