/**
 * Spring Cloud Gateway, a peer of the whole-application benchmark.
 */
@NullMarked
package io.httpsentinel.benchmarks.gateway;

import org.jspecify.annotations.NullMarked;
