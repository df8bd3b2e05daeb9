// Between the scenario files (JSON with the API's camelCase names) and the typed Kotlin surface:
// arguments are built as the generated types (records, open enums, OffsetDateTime) by reflection,
// and results are turned back into JSON through each record's `toJson()`. Nothing here knows an
// operation: a new operation or scenario needs no change.
package npay.order

import java.lang.reflect.InvocationTargetException
import java.time.OffsetDateTime
import java.time.format.DateTimeFormatter
import kotlin.reflect.KClass
import kotlin.reflect.KFunction
import kotlin.reflect.KParameter
import kotlin.reflect.KType
import kotlin.reflect.full.callSuspendBy
import kotlin.reflect.full.memberFunctions
import kotlin.reflect.full.primaryConstructor
import kotlin.reflect.jvm.jvmErasure
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.toList
import org.json.JSONArray
import org.json.JSONObject

object TypedBridge {
    /** The date-time text the API writes: milliseconds and the offset. */
    val API_DATE_TIME: DateTimeFormatter = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX")

    /** `lastChangedFrom` and `last_changed_from` name the same parameter. */
    private fun key(name: String) = name.replace("_", "").lowercase()

    /** Calls the member `name` of `target` with `params` (camelCase keys) as typed arguments. */
    suspend fun call(target: Any, name: String, params: JSONObject): Any? {
        val function = target::class.memberFunctions.singleOrNull { it.name == name }
            ?: error("${target::class.simpleName} has no method $name")
        return invoke(function, target, params)
    }

    private suspend fun invoke(function: KFunction<*>, target: Any, params: JSONObject): Any? {
        val byKey = function.parameters.filter { it.kind == KParameter.Kind.VALUE }.associateBy { key(it.name!!) }
        val args = mutableMapOf<KParameter, Any?>(function.parameters.first() to target)
        for (name in params.keySet()) {
            val parameter = byKey[key(name)] ?: error("${function.name} has no parameter $name")
            args[parameter] = typed(params.get(name), parameter.type)
        }
        try {
            return function.callSuspendBy(args)
        } catch (e: InvocationTargetException) {
            throw e.targetException
        }
    }

    /** A JSON value as a value of the Kotlin type `type`. */
    fun typed(value: Any?, type: KType): Any? {
        if (value == null || value == JSONObject.NULL) return null
        val kclass = type.jvmErasure
        return when {
            kclass == String::class -> value as String
            kclass == Int::class -> (value as Number).toInt()
            kclass == Long::class -> (value as Number).toLong()
            kclass == Double::class -> (value as Number).toDouble()
            kclass == Boolean::class -> value as Boolean
            kclass == OffsetDateTime::class -> OffsetDateTime.parse(value as String)
            kclass == List::class -> {
                val items = value as JSONArray
                val itemType = type.arguments.single().type!!
                (0 until items.length()).map { typed(items.get(it), itemType) }
            }
            kclass.isSealed -> openEnum(kclass, value as String)
            kclass.isData -> record(kclass, value as JSONObject)
            else -> error("no conversion from JSON to $type")
        }
    }

    /** A value of an open enum: the known variant with that wire value, else `Unrecognized`. */
    private fun openEnum(kclass: KClass<*>, wire: String): Any {
        for (variant in kclass.sealedSubclasses) {
            val instance = variant.objectInstance ?: continue
            if (wireValue(instance) == wire) return instance
        }
        val unrecognized = kclass.sealedSubclasses.single { it.simpleName == "Unrecognized" }
        return unrecognized.primaryConstructor!!.call(wire)
    }

    private fun wireValue(instance: Any): String =
        instance::class.memberFunctions.single { it.name == "wireValue" }.call(instance) as String

    private fun record(kclass: KClass<*>, json: JSONObject): Any {
        val constructor = kclass.primaryConstructor!!
        val byKey = constructor.parameters.associateBy { key(it.name!!) }
        val args = json.keySet().associate { name ->
            val parameter = byKey[key(name)] ?: error("${kclass.simpleName} has no field $name")
            parameter to typed(json.get(name), parameter.type)
        }
        return constructor.callBy(args)
    }

    /** A result as JSON with the API's names: records through `toJson()`, enums as their wire value. */
    fun json(value: Any?): Any? = when (value) {
        null -> JSONObject.NULL
        is String, is Number, is Boolean -> value
        is OffsetDateTime -> value.format(API_DATE_TIME)
        is List<*> -> JSONArray(value.map { json(it) })
        is Map<*, *> -> JSONObject(value.mapKeys { it.key.toString() }.mapValues { json(it.value) })
        else -> {
            val functions = value::class.memberFunctions
            when {
                functions.any { it.name == "toJson" } -> JSONObject(functions.single { it.name == "toJson" }.call(value) as String)
                functions.any { it.name == "wireValue" } -> wireValue(value)
                else -> error("no JSON for ${value::class}")
            }
        }
    }

    /** Drains a pager through its generated `asFlow()` (Iterators.kt). */
    suspend fun drain(pager: Any): List<Any?> {
        val asFlow = Class.forName("npay.order.IteratorsKt").methods
            .single { it.name == "asFlow" && it.parameterTypes.single().isInstance(pager) }
        @Suppress("UNCHECKED_CAST")
        return (asFlow.invoke(null, pager) as Flow<Any?>).toList()
    }
}
