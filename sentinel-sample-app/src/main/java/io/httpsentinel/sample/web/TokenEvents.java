package io.httpsentinel.sample.web;

import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.httpsentinel.sse.SseEvent;

/**
 * The chat stream's hook: turns an LLM provider's event stream (Anthropic's Messages API
 * format) into the simple stream this app's clients read. Each text token becomes an
 * event of the default type {@code message} with data {@code {"token":"..."}}; the end of
 * the reply ({@code message_stop}) becomes {@code event: done}, so that a browser closes
 * its {@code EventSource} instead of reconnecting; every other provider event
 * ({@code message_start}, {@code ping}, ...) is dropped. Ids are kept, so the browser's
 * {@code Last-Event-ID} stays meaningful to the upstream.
 */
final class TokenEvents {

	/** Event type of the end of the reply. */
	static final String DONE = "done";

	private final JsonMapper jsonMapper;

	TokenEvents(JsonMapper jsonMapper) {
		this.jsonMapper = jsonMapper;
	}

	/**
	 * The events to forward for one provider event.
	 * @param event the provider's event
	 * @return no, one token, or the done event
	 */
	List<SseEvent> toClientEvents(SseEvent event) {
		switch (event.type()) {
			case "content_block_delta" -> {
				JsonNode delta = this.jsonMapper.readTree(event.data()).path("delta");
				if (!"text_delta".equals(delta.path("type").asString(""))) {
					return List.of();
				}
				String token = delta.path("text").asString("");
				return List.of(event.mutate()
					.type(null)
					.data(this.jsonMapper.writeValueAsString(Map.of("token", token)))
					.build());
			}
			case "message_stop" -> {
				return List.of(event.mutate().type(DONE).data("{}").build());
			}
			default -> {
				return List.of();
			}
		}
	}

}
