package io.httpsentinel.autoconfigure.health;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.ClassUtils;

/**
 * Puts {@code CIRCUIT_OPEN} into Spring Boot's health status order, unless the
 * application sets {@code management.endpoint.health.status.order} itself.
 * <p>
 * Spring Boot's aggregation ignores a status missing from the order: without this, an
 * open circuit would vanish from the {@code sentinel} component's status (and from the
 * overall one). The order used is Spring Boot's default with {@code CIRCUIT_OPEN} between
 * {@code OUT_OF_SERVICE} and {@code UP}: an open circuit shows, but never hides a
 * {@code DOWN} component. It maps to HTTP 200 (Spring Boot's default for any status
 * without a mapping), so an external API being down never takes this application out of
 * service. The property source is added last, so any other source wins.
 */
public final class HealthStatusOrderEnvironmentPostProcessor implements EnvironmentPostProcessor {

	static final String ORDER_PROPERTY = "management.endpoint.health.status.order";

	static final String ORDER = "DOWN,OUT_OF_SERVICE,CIRCUIT_OPEN,UP,UNKNOWN";

	static final String PROPERTY_SOURCE_NAME = "sentinelHealthStatusOrder";

	/** By name: this class must load without Spring Boot's health module. */
	static final String STATUS_CLASS = "org.springframework.boot.health.contributor.Status";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (!ClassUtils.isPresent(STATUS_CLASS, application.getClassLoader())) {
			return;
		}
		if (Binder.get(environment).bind(ORDER_PROPERTY, Bindable.listOf(String.class)).isBound()) {
			return;
		}
		environment.getPropertySources()
			.addLast(new MapPropertySource(PROPERTY_SOURCE_NAME, Map.of(ORDER_PROPERTY, ORDER)));
	}

}
