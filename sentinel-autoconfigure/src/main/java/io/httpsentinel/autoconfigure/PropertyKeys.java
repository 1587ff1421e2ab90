package io.httpsentinel.autoconfigure;

import java.beans.PropertyDescriptor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeanUtils;
import org.springframework.core.ResolvableType;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;

/**
 * The keys a properties class binds, found the way Spring Boot's JavaBean binder finds
 * them (its getters and setters, nested property classes of this package), and whether a
 * key as some property source names it is one of them: in any relaxed form, including the
 * list indexes of a collection, the entries of a map and the legacy form of an
 * environment variable ({@code MAX_CONNECTIONS} for {@code max-connections}).
 */
final class PropertyKeys {

	/** The element of a key that stands for any index of a list. */
	private static final String ANY_INDEX = "[]";

	private final List<Key> keys;

	private PropertyKeys(List<Key> keys) {
		this.keys = keys;
	}

	/**
	 * The keys of a properties class.
	 * @param type the class, bound as a JavaBean
	 * @return its keys, relative to where it is bound
	 */
	static PropertyKeys of(Class<?> type) {
		List<Key> keys = new ArrayList<>();
		collect(type, List.of(), keys);
		return new PropertyKeys(List.copyOf(keys));
	}

	private static void collect(Class<?> type, List<String> prefix, List<Key> keys) {
		for (PropertyDescriptor property : BeanUtils.getPropertyDescriptors(type)) {
			Class<?> propertyType = property.getPropertyType();
			if (property.getReadMethod() == null || propertyType == null || propertyType == Class.class) {
				continue;
			}
			List<String> elements = new ArrayList<>(prefix);
			elements.add(DataObjectPropertyName.toDashedForm(property.getName()));
			if (Map.class.isAssignableFrom(propertyType)) {
				keys.add(new Key(elements, Kind.MAP));
			}
			else if (Collection.class.isAssignableFrom(propertyType) || propertyType.isArray()) {
				keys.add(new Key(elements, Kind.LIST));
				Class<?> elementType = ResolvableType.forMethodReturnType(property.getReadMethod())
					.asCollection()
					.resolveGeneric(0);
				if (elementType != null && isNestedGroup(elementType)) {
					// A list of groups ('endpoints[0].url'): their keys under any index.
					elements.add(ANY_INDEX);
					collect(elementType, elements, keys);
				}
			}
			else if (isNestedGroup(propertyType)) {
				collect(propertyType, elements, keys);
			}
			else if (property.getWriteMethod() != null) {
				keys.add(new Key(elements, Kind.VALUE));
			}
		}
	}

	private static boolean isNestedGroup(Class<?> type) {
		return !type.isEnum() && type.getPackageName().equals(PropertyKeys.class.getPackageName());
	}

	/**
	 * Whether a key is one of these keys.
	 * @param name the full name, as a property source names it
	 * @param from where the relative key starts in it (after the client's name)
	 * @param environmentVariable whether it comes from environment variables
	 * @return whether it is known
	 */
	boolean contains(ConfigurationPropertyName name, int from, boolean environmentVariable) {
		for (Key key : this.keys) {
			if (key.matches(name, from, key.uniform) || environmentVariable && key.matches(name, from, key.legacy)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The known key nearest an unknown one: the closest in edit distance, when close
	 * enough to be a typo, else the only key with the same last element (a key written
	 * without its group, such as {@code max-connections} for
	 * {@code pool.max-connections}).
	 * @param name the full name of the unknown key
	 * @param from where the relative key starts in it
	 * @return the nearest key, relative, or {@code null} when none is near
	 */
	@Nullable String nearest(ConfigurationPropertyName name, int from) {
		String nearest = null;
		int nearestDistance = Integer.MAX_VALUE;
		for (Key key : this.keys) {
			int compared = (key.kind == Kind.MAP) ? Math.min(key.size(), name.getNumberOfElements() - from)
					: name.getNumberOfElements() - from;
			String written = uniform(name, from, from + compared);
			String known = String.join(".",
					key.uniform.stream().filter((element) -> !ANY_INDEX.equals(element)).toList());
			int distance = EditDistance.between(written, known);
			if (distance < nearestDistance && distance <= EditDistance.typoLimit(known.length())) {
				nearestDistance = distance;
				nearest = key.name() + ((key.kind == Kind.MAP) ? rest(name, from + compared) : "");
			}
		}
		return (nearest != null) ? nearest : withSameLastElement(name);
	}

	private @Nullable String withSameLastElement(ConfigurationPropertyName name) {
		String last = name.getLastElement(Form.UNIFORM);
		List<Key> matching = this.keys.stream()
			.filter((key) -> key.kind != Kind.MAP && key.uniform.get(key.size() - 1).equals(last))
			.toList();
		return (matching.size() == 1) ? matching.get(0).name() : null;
	}

	private static String uniform(ConfigurationPropertyName name, int from, int to) {
		List<String> elements = new ArrayList<>();
		for (int i = from; i < to; i++) {
			if (!name.isNumericIndex(i)) {
				elements.add(name.getElement(i, Form.UNIFORM));
			}
		}
		return String.join(".", elements);
	}

	private static String rest(ConfigurationPropertyName name, int from) {
		StringBuilder rest = new StringBuilder();
		for (int i = from; i < name.getNumberOfElements(); i++) {
			rest.append('.').append(name.getElement(i, Form.ORIGINAL));
		}
		return rest.toString();
	}

	private enum Kind {

		/**
		 * One value.
		 */
		VALUE,

		/**
		 * A collection: the key itself or one index of it ({@code statuses[0]}).
		 */
		LIST,

		/**
		 * A map: any entry under the key ({@code default-headers.X-Api-Key}).
		 */
		MAP

	}

	/**
	 * One key.
	 *
	 * @param elements its elements in kebab case, e.g. {@code pool},
	 * {@code max-connections}
	 * @param kind what it holds
	 * @param uniform its elements as Spring Boot compares them (lower case, letters and
	 * digits)
	 * @param legacy its elements as a legacy environment variable splits them
	 * ({@code MAX_CONNECTIONS}: {@code max}, {@code connections})
	 */
	private record Key(List<String> elements, Kind kind, List<String> uniform, List<String> legacy) {

		Key(List<String> elements, Kind kind) {
			this(List.copyOf(elements), kind, elements.stream().map(Key::uniform).toList(),
					elements.stream().flatMap((element) -> Arrays.stream(element.split("-"))).toList());
		}

		private static String uniform(String element) {
			return element.replace("-", "").toLowerCase(Locale.ROOT);
		}

		String name() {
			// As a user would write it: endpoints[n].url.
			return String.join(".", this.elements).replace("." + ANY_INDEX, "[n]");
		}

		int size() {
			return this.uniform.size();
		}

		boolean matches(ConfigurationPropertyName name, int from, List<String> expected) {
			int length = name.getNumberOfElements() - from;
			if (length < expected.size()) {
				return false;
			}
			for (int i = 0; i < expected.size(); i++) {
				boolean matches = ANY_INDEX.equals(expected.get(i)) ? name.isNumericIndex(from + i)
						: expected.get(i).equals(name.getElement(from + i, Form.UNIFORM));
				if (!matches) {
					return false;
				}
			}
			return switch (this.kind) {
				case VALUE -> length == expected.size();
				case LIST -> length == expected.size()
						|| length == expected.size() + 1 && name.isNumericIndex(name.getNumberOfElements() - 1);
				case MAP -> length > expected.size();
			};
		}

	}

}
