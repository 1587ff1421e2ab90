package io.httpsentinel.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports unknown Sentinel keys in Spring Boot's "APPLICATION FAILED TO START" report,
 * with the nearest known key for each.
 */
class UnknownConfigurationPropertiesFailureAnalyzer
		extends AbstractFailureAnalyzer<UnknownConfigurationPropertiesException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, UnknownConfigurationPropertiesException cause) {
		return new FailureAnalysis(cause.getMessage(),
				"Correct each key to the one suggested, or remove it. Sentinel's keys are in its configuration "
						+ "metadata: an IDE completes them in application.yml.",
				cause);
	}

}
