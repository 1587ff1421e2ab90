/**
 * Simulation of one client over several backends, one of which starts failing: real
 * loopback servers and a Sentinel client built through the public API, in one JVM.
 */
@NullMarked
package io.httpsentinel.benchmarks.backends;

import org.jspecify.annotations.NullMarked;
