/**
 * Test-slice support: {@link io.httpsentinel.test.autoconfigure.AutoConfigureSentinel}.
 */
@NullMarked
package io.httpsentinel.test.autoconfigure;

import org.jspecify.annotations.NullMarked;
