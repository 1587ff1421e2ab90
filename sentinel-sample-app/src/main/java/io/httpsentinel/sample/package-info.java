/**
 * Runnable sample showing Sentinel's named, pooled clients against an embedded demo
 * upstream.
 */
@NullMarked
package io.httpsentinel.sample;

import org.jspecify.annotations.NullMarked;
