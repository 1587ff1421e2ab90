package io.httpsentinel.sse.proxy;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.channels.Channel;

import jakarta.servlet.ServletResponse;
import jakarta.servlet.ServletResponseWrapper;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Closes the connection of a servlet response at once, from any thread, even while
 * another thread is blocked writing to it. The Servlet API has no way to do that: a
 * blocking write to a client that stopped reading waits for the container's write
 * timeout, and neither closing the output stream nor completing the asynchronous request
 * gets it out (both write too). On Tomcat (Spring Boot's default) the socket is closed
 * through Tomcat's own classes, as Spring's {@code TomcatHttpHandlerAdapter} also reaches
 * into them; on other containers nothing is done, and the write ends with the container's
 * write timeout.
 */
final class ServletConnections {

	private static final Log logger = LogFactory.getLog(ServletConnections.class);

	private static final @Nullable TomcatSockets TOMCAT = TomcatSockets.find();

	private ServletConnections() {
	}

	/**
	 * How to close the connection of a response.
	 * @param response the response, possibly wrapped
	 * @return closes the connection, or {@code null} if this container is not supported
	 */
	static @Nullable Runnable closer(ServletResponse response) {
		ServletResponse target = response;
		while (target instanceof ServletResponseWrapper wrapper) {
			target = wrapper.getResponse();
		}
		TomcatSockets tomcat = TOMCAT;
		if (tomcat == null || !tomcat.facade().isInstance(target)) {
			return null;
		}
		ServletResponse facade = target;
		return () -> tomcat.close(facade);
	}

	/**
	 * Tomcat's path from a response facade to its socket channel: facade, connector
	 * response, coyote response, its processor, the socket wrapper, its channel. Only the
	 * channel is closed: a blocked write then fails as when the client goes away, and
	 * Tomcat handles that failure on its own path (closing the socket wrapper itself from
	 * here would recycle the request under the writing thread).
	 */
	private record TomcatSockets(Class<?> facade, Field response, Method coyoteResponse, Field hook,
			Method socketWrapper) {

		static @Nullable TomcatSockets find() {
			ClassLoader loader = ServletConnections.class.getClassLoader();
			if (!ClassUtils.isPresent("org.apache.catalina.connector.ResponseFacade", loader)) {
				return null;
			}
			try {
				Class<?> facade = ClassUtils.forName("org.apache.catalina.connector.ResponseFacade", loader);
				Class<?> connector = ClassUtils.forName("org.apache.catalina.connector.Response", loader);
				Class<?> coyote = ClassUtils.forName("org.apache.coyote.Response", loader);
				Class<?> processor = ClassUtils.forName("org.apache.coyote.AbstractProcessor", loader);
				Field response = facade.getDeclaredField("response");
				Field hook = coyote.getDeclaredField("hook");
				Method socketWrapper = processor.getDeclaredMethod("getSocketWrapper");
				ReflectionUtils.makeAccessible(response);
				ReflectionUtils.makeAccessible(hook);
				ReflectionUtils.makeAccessible(socketWrapper);
				return new TomcatSockets(facade, response, connector.getMethod("getCoyoteResponse"), hook,
						socketWrapper);
			}
			catch (ReflectiveOperationException | RuntimeException | LinkageError ex) {
				logger.debug("Tomcat's socket cannot be reached: a blocked write to a slow SSE client ends "
						+ "with Tomcat's write timeout", ex);
				return null;
			}
		}

		void close(Object facade) {
			try {
				Object coyote = this.coyoteResponse.invoke(this.response.get(facade));
				Object processor = this.hook.get(coyote);
				if (!this.socketWrapper.getDeclaringClass().isInstance(processor)) {
					return;
				}
				Object wrapper = this.socketWrapper.invoke(processor);
				Object socket = (wrapper != null) ? wrapper.getClass().getMethod("getSocket").invoke(wrapper) : null;
				Object channel = (socket != null) ? socket.getClass().getMethod("getIOChannel").invoke(socket) : null;
				if (channel instanceof Channel open) {
					open.close();
				}
			}
			catch (ReflectiveOperationException | IOException | RuntimeException ex) {
				logger.debug("Could not close the connection of a slow SSE client", ex);
			}
		}

	}

}
