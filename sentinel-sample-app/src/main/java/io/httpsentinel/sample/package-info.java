/**
 * Runnable sample of Sentinel's named, pooled clients, with an embedded demo upstream.
 */
@NullMarked
package io.httpsentinel.sample;

import org.jspecify.annotations.NullMarked;
