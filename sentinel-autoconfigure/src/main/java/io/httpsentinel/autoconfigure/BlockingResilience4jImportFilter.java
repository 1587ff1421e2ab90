package io.httpsentinel.autoconfigure;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanClassLoaderAware;
import org.springframework.boot.autoconfigure.AutoConfigurationImportFilter;
import org.springframework.boot.autoconfigure.AutoConfigurationMetadata;
import org.springframework.util.ClassUtils;

/**
 * Leaves Spring Cloud CircuitBreaker's blocking Resilience4j auto-configuration out of an
 * application without Resilience4j's Boot 3 module, the condition Spring Cloud does not
 * declare.
 * <p>
 * That auto-configuration names a class of the module in
 * {@code @AutoConfigureAfter(CircuitBreakerMetricsAutoConfiguration.class)}, a class
 * literal: once it is loaded, Spring Framework 7 logs a WARN "Failed to introspect
 * meta-annotation @AutoConfigureAfter" in every application with the starter, which
 * leaves the module out. An import filter sees names only, before any class is loaded.
 * {@link SentinelBlockingCircuitBreakerAutoConfiguration} gives such an application the
 * same beans. With the module on the class path nothing is filtered.
 */
final class BlockingResilience4jImportFilter implements AutoConfigurationImportFilter, BeanClassLoaderAware {

	static final String SPRING_CLOUDS_AUTO_CONFIGURATION = "org.springframework.cloud.circuitbreaker.resilience4j.Resilience4JAutoConfiguration";

	/**
	 * The class Spring Cloud's auto-configuration names, of Resilience4j's Boot 3 module.
	 */
	static final String ORDERED_AFTER = "io.github.resilience4j.springboot3.circuitbreaker.autoconfigure.CircuitBreakerMetricsAutoConfiguration";

	private @Nullable ClassLoader classLoader;

	@Override
	public void setBeanClassLoader(ClassLoader classLoader) {
		this.classLoader = classLoader;
	}

	@Override
	public boolean[] match(@Nullable String[] autoConfigurationClasses,
			AutoConfigurationMetadata autoConfigurationMetadata) {
		boolean keepAll = ClassUtils.isPresent(ORDERED_AFTER, this.classLoader);
		boolean[] matches = new boolean[autoConfigurationClasses.length];
		for (int i = 0; i < matches.length; i++) {
			matches[i] = keepAll || !SPRING_CLOUDS_AUTO_CONFIGURATION.equals(autoConfigurationClasses[i]);
		}
		return matches;
	}

}
