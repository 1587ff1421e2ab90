package io.httpsentinel;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the public API deliberate: the public types of the library and their public and
 * protected members are listed in {@code api/sentinel-autoconfigure.api}, and this test
 * fails when the code differs from the listing (OkHttp's API dump is the model). After a
 * deliberate change, rewrite the listing with
 * {@code ./mvnw -pl sentinel-autoconfigure test -Dtest=PublicApiTests -Dsentinel.api.update=true}
 * and review its diff like any other change.
 */
class PublicApiTests {

	static final Path LISTING = Path.of("api", "sentinel-autoconfigure.api");

	private static final String HEADER = """
			# The public API of sentinel-autoconfigure: every public type and its public and protected members.
			# Types marked "internal" (@io.httpsentinel.Internal) are public only for Sentinel's own packages.
			# Checked by PublicApiTests; rewrite with -Dsentinel.api.update=true after a deliberate change.
			""";

	@Test
	void publicApiMatchesTheListing() throws IOException {
		String actual = HEADER + listing();
		if (Boolean.getBoolean("sentinel.api.update")) {
			Files.createDirectories(LISTING.getParent());
			Files.writeString(LISTING, actual, StandardCharsets.UTF_8);
		}
		String listed = Files.exists(LISTING) ? Files.readString(LISTING, StandardCharsets.UTF_8) : "";
		assertThat(actual)
			.as("public API (rewrite %s with -Dsentinel.api.update=true if the change is deliberate)", LISTING)
			.isEqualTo(listed);
	}

	/**
	 * Names of the types in the checked-in listing.
	 * @return the listed type names
	 * @throws IOException when the listing cannot be read
	 */
	static List<String> listedTypes() throws IOException {
		return Files.readAllLines(LISTING, StandardCharsets.UTF_8)
			.stream()
			.filter((line) -> !line.isEmpty() && !line.startsWith("#") && !line.startsWith("\t"))
			.map((line) -> line.substring(0, line.indexOf(':')))
			.toList();
	}

	static List<Class<?>> publicTypes() {
		return new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
			.importPackages("io.httpsentinel")
			.stream()
			.map(JavaClass::reflect)
			.filter(PublicApiTests::isVisible)
			.sorted((a, b) -> a.getName().compareTo(b.getName()))
			.collect(Collectors.toList());
	}

	private static boolean isVisible(Class<?> type) {
		for (Class<?> t = type; t != null; t = t.getEnclosingClass()) {
			if (!Modifier.isPublic(t.getModifiers()) || t.isAnonymousClass() || t.isLocalClass() || t.isSynthetic()) {
				return false;
			}
		}
		return true;
	}

	private static String listing() {
		List<Class<?>> types = publicTypes();
		long topLevel = types.stream().filter((type) -> type.getEnclosingClass() == null).count();
		long internal = types.stream().filter((type) -> type.isAnnotationPresent(Internal.class)).count();
		StringBuilder out = new StringBuilder("# ").append(topLevel)
			.append(" public top-level types, ")
			.append(topLevel - internal)
			.append(" of them API and ")
			.append(internal)
			.append(" internal.\n");
		for (Class<?> type : types) {
			out.append(type.getName()).append(": ").append(describe(type)).append('\n');
			members(type).forEach((member) -> out.append('\t').append(member).append('\n'));
		}
		return out.toString();
	}

	private static String describe(Class<?> type) {
		String kind = type.isAnnotation() ? "@interface"
				: type.isInterface() ? "interface" : type.isEnum() ? "enum" : type.isRecord() ? "record" : "class";
		int modifiers = type.getModifiers() & (Modifier.PUBLIC | Modifier.STATIC | Modifier.FINAL | Modifier.ABSTRACT);
		if (type.isInterface() || type.isEnum() || type.isRecord()) {
			modifiers &= ~(Modifier.ABSTRACT | Modifier.FINAL | Modifier.STATIC);
		}
		StringBuilder description = new StringBuilder(type.isAnnotationPresent(Internal.class) ? "internal " : "")
			.append(Modifier.toString(modifiers))
			.append(' ')
			.append(kind);
		Type superclass = type.getGenericSuperclass();
		if (superclass != null && superclass != Object.class && !type.isEnum() && !type.isRecord()) {
			description.append(" extends ").append(superclass.getTypeName());
		}
		Type[] interfaces = type.getGenericInterfaces();
		if (interfaces.length > 0 && !type.isAnnotation()) {
			description.append(type.isInterface() ? " extends " : " implements ")
				.append(Arrays.stream(interfaces).map(Type::getTypeName).collect(Collectors.joining(", ")));
		}
		return description.toString();
	}

	private static List<String> members(Class<?> type) {
		List<String> members = new ArrayList<>();
		Stream.of(type.getDeclaredFields())
			.filter((field) -> isApi(type, field) && !field.isEnumConstant())
			.map((field) -> modifiers(field) + field.getGenericType().getTypeName() + " " + field.getName())
			.forEach(members::add);
		Stream.of(type.getDeclaredFields())
			.filter(Field::isEnumConstant)
			.map((field) -> "constant " + field.getName())
			.forEach(members::add);
		Stream.<Executable>concat(Stream.of(type.getDeclaredConstructors()), Stream.of(type.getDeclaredMethods()))
			.filter((executable) -> isApi(type, executable))
			.map(PublicApiTests::signature)
			.forEach(members::add);
		members.sort(null);
		return members;
	}

	private static boolean isApi(Class<?> type, Member member) {
		if (member.isSynthetic()
				|| (member instanceof Method method && (method.isBridge() || isRecordMethod(method)))) {
			return false;
		}
		int modifiers = member.getModifiers();
		// A protected member of a final class cannot be reached from outside the package.
		return Modifier.isPublic(modifiers)
				|| (Modifier.isProtected(modifiers) && !Modifier.isFinal(type.getModifiers()));
	}

	/**
	 * Whether the method is one a record always has ({@code equals}, {@code hashCode},
	 * {@code toString}): listing them says nothing.
	 */
	private static boolean isRecordMethod(Method method) {
		return method.getDeclaringClass().isRecord() && switch (method.getName()) {
			case "equals" -> method.getParameterCount() == 1;
			case "hashCode", "toString" -> method.getParameterCount() == 0;
			default -> false;
		};
	}

	private static String signature(Executable executable) {
		StringBuilder signature = new StringBuilder(modifiers(executable));
		if (executable.getTypeParameters().length > 0) {
			signature.append('<')
				.append(Arrays.stream(executable.getTypeParameters())
					.map(PublicApiTests::typeParameter)
					.collect(Collectors.joining(", ")))
				.append("> ");
		}
		if (executable instanceof Method method) {
			signature.append(method.getGenericReturnType().getTypeName()).append(' ').append(method.getName());
		}
		else {
			signature.append("<init>");
		}
		signature.append('(')
			.append(Arrays.stream(executable.getGenericParameterTypes())
				.map(Type::getTypeName)
				.collect(Collectors.joining(", ")))
			.append(')');
		if (executable instanceof Constructor<?> || executable.getExceptionTypes().length == 0) {
			return signature.toString();
		}
		return signature.append(" throws ")
			.append(Arrays.stream(executable.getGenericExceptionTypes())
				.map(Type::getTypeName)
				.collect(Collectors.joining(", ")))
			.toString();
	}

	private static String typeParameter(java.lang.reflect.TypeVariable<?> variable) {
		Type[] bounds = variable.getBounds();
		if (bounds.length == 1 && bounds[0] == Object.class) {
			return variable.getName();
		}
		return variable.getName() + " extends "
				+ Arrays.stream(bounds).map(Type::getTypeName).collect(Collectors.joining(" & "));
	}

	private static String modifiers(Member member) {
		int modifiers = member.getModifiers()
				& (Modifier.PUBLIC | Modifier.PROTECTED | Modifier.STATIC | Modifier.FINAL | Modifier.ABSTRACT);
		if (member.getDeclaringClass().isInterface()) {
			modifiers &= ~Modifier.ABSTRACT;
		}
		String text = Modifier.toString(modifiers);
		if (member instanceof Method method && method.isDefault()) {
			text = text + " default";
		}
		return text.isEmpty() ? "" : text + " ";
	}

}
