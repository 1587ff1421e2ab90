/**
 * Spring Boot Actuator endpoint {@code sentinel}: every client's resolved settings
 * (secrets redacted) and live state.
 */
@NullMarked
package io.httpsentinel.actuate;

import org.jspecify.annotations.NullMarked;
