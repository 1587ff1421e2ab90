/**
 * Spring Boot Actuator health of Sentinel clients: one component per client, from state
 * held in memory.
 */
@NullMarked
package io.httpsentinel.health;

import org.jspecify.annotations.NullMarked;
