/**
 * The state replicas of an application share through Redis: a client's rate limit (a
 * Bucket4j bucket), its host pause and its adaptive pacing, each bounded by a timeout and
 * falling back to this process when Redis does not answer. Optional: used only when
 * Lettuce and Bucket4j's Lettuce integration are on the class path and a client asks for
 * {@code rate-limit.store: redis}.
 */
@NullMarked
package io.httpsentinel.redis;

import org.jspecify.annotations.NullMarked;
