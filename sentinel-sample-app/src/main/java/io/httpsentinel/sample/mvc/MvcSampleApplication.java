package io.httpsentinel.sample.mvc;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Import;

import io.httpsentinel.sample.upstream.DemoUpstream;
import io.httpsentinel.sample.web.ChatStreamController;
import io.httpsentinel.sample.web.TemperatureStreamController;

/**
 * The sample as a Spring MVC application on Tomcat (profile {@code mvc}), with the same
 * embedded demo upstream and the same {@code sentinel.clients}: a synchronous call
 * through a client's {@code RestClient} and an HTTP service interface
 * ({@link WeatherController}), and the forwarded SSE streams of the WebFlux sample, whose
 * controllers ({@link ChatStreamController}, {@link TemperatureStreamController}) run
 * here unchanged: {@code return sseProxy.forward(client, ...)} works in both stacks. Run
 * it with {@code ./mvnw -pl sentinel-sample-app -am spring-boot:run
 * -Dspring-boot.run.main-class=io.httpsentinel.sample.mvc.MvcSampleApplication}.
 * <p>
 * Only in a servlet application: the WebFlux {@code SampleApplication} scans this package
 * too, and skips it.
 */
@SpringBootApplication
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@Import({ DemoUpstream.class, ChatStreamController.class, TemperatureStreamController.class })
public class MvcSampleApplication {

	public static void main(String[] args) {
		new SpringApplicationBuilder(MvcSampleApplication.class).web(WebApplicationType.SERVLET)
			.profiles("mvc")
			.run(args);
	}

}
