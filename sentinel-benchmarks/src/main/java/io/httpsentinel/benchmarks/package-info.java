/**
 * JMH benchmarks of Sentinel's pooled clients, run against a loopback server only.
 */
@NullMarked
package io.httpsentinel.benchmarks;

import org.jspecify.annotations.NullMarked;
