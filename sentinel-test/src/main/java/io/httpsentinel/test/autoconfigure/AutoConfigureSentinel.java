package io.httpsentinel.test.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;

/**
 * Adds Sentinel to a test slice such as {@code @WebMvcTest} or {@code @WebFluxTest}: the
 * {@code SentinelClients} of {@code sentinel.clients.*}, the {@code SseProxy} (with its
 * Spring MVC return value handler), Sentinel's problem details, and what they build on
 * (Boot's {@code WebClient.Builder} and {@code RestClient.Builder}, SSL bundles, Spring
 * Cloud's circuit breaker factory). Not the health contributor, the actuator endpoint or
 * the meters: a slice has no Actuator.
 * <p>
 * Slices do not include Sentinel on their own: most controller tests never call an
 * upstream, and the clients configured in {@code application.yml} would otherwise open
 * pools to real hosts in every slice test. Point a client at a test server with
 * {@code @DynamicPropertySource} ({@code sentinel.clients.<name>.base-url}) and make its
 * retries instant with {@code sentinel.defaults.retry.instant=true}.
 * <p>
 * The auto-configurations are listed in
 * {@code META-INF/spring/io.httpsentinel.test.autoconfigure.AutoConfigureSentinel.imports}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ImportAutoConfiguration
public @interface AutoConfigureSentinel {

}
