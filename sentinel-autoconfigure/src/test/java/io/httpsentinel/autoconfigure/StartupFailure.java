package io.httpsentinel.autoconfigure;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.NestedExceptionUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Asserts that a context fails to start, naming the property and the reason, the way
 * Spring Boot's failure report shows it.
 */
final class StartupFailure {

	private StartupFailure() {
	}

	static void assertNamesKey(ApplicationContextRunner runner, String key, String reason, String... properties) {
		runner.withPropertyValues(properties).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("Property " + key + " ")
				.hasMessageContaining(reason);
		});
	}

	static String mostSpecificMessage(AssertableApplicationContext context) {
		assertThat(context).hasFailed();
		return NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()).getMessage();
	}

}
