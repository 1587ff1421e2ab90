/**
 * Auto-configuration of Sentinel's clients whose base URL names a service
 * ({@code lb://service}): Spring Cloud LoadBalancer finds its instances, with the
 * application's discovery client and load-balancer configuration, and Sentinel chooses
 * one of them per attempt.
 */
@NullMarked
package io.httpsentinel.autoconfigure.loadbalancer;

import org.jspecify.annotations.NullMarked;
