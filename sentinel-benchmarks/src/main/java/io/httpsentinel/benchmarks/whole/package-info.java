/**
 * The whole-application benchmark: a Sentinel application measured against nginx, Spring
 * Cloud Gateway and in-process baselines, each in a process of its own.
 */
@NullMarked
package io.httpsentinel.benchmarks.whole;

import org.jspecify.annotations.NullMarked;
