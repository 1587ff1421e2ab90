package io.httpsentinel.sse;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

import io.httpsentinel.Internal;

/**
 * The transformation steps of a forwarded stream (map, filter, flat-map), applied in the
 * order they were added, synchronously, to each event as it arrives. Immutable.
 */
@Internal
public final class EventHooks {

	public static final EventHooks NONE = new EventHooks(List.of());

	private final List<Step> steps;

	private EventHooks(List<Step> steps) {
		this.steps = steps;
	}

	boolean isEmpty() {
		return this.steps.isEmpty();
	}

	public EventHooks map(Function<? super SseEvent, SseEvent> mapper) {
		Objects.requireNonNull(mapper, "mapper");
		return with((event, next) -> next
			.accept(Objects.requireNonNull(mapper.apply(event), "the map hook returned null for " + event)));
	}

	public EventHooks filter(Predicate<? super SseEvent> predicate) {
		Objects.requireNonNull(predicate, "predicate");
		return with((event, next) -> {
			if (predicate.test(event)) {
				next.accept(event);
			}
		});
	}

	public EventHooks flatMap(Function<? super SseEvent, ? extends Iterable<SseEvent>> mapper) {
		Objects.requireNonNull(mapper, "mapper");
		return with((event, next) -> {
			Iterable<SseEvent> events = mapper.apply(event);
			if (events != null) {
				for (SseEvent each : events) {
					next.accept(Objects.requireNonNull(each, "the flatMap hook returned a null event"));
				}
			}
		});
	}

	private EventHooks with(Step step) {
		List<Step> steps = new ArrayList<>(this.steps);
		steps.add(step);
		return new EventHooks(List.copyOf(steps));
	}

	/**
	 * Run an event through every step.
	 * @param event the event
	 * @param out receives what the last step produces
	 */
	void apply(SseEvent event, Consumer<SseEvent> out) {
		apply(0, event, out);
	}

	private void apply(int index, SseEvent event, Consumer<SseEvent> out) {
		if (index == this.steps.size()) {
			out.accept(event);
			return;
		}
		this.steps.get(index).apply(event, (produced) -> apply(index + 1, produced, out));
	}

	@FunctionalInterface
	private interface Step {

		void apply(SseEvent event, Consumer<SseEvent> next);

	}

}
