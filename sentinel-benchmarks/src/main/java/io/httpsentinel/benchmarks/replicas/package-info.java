/**
 * Simulation of several replicas of an application sharing one API quota: separate JVMs,
 * a real {@code redis-server} and an upstream enforcing the quota, on loopback only.
 */
@NullMarked
package io.httpsentinel.benchmarks.replicas;

import org.jspecify.annotations.NullMarked;
