/**
 * The kbatch CLI's wire dialect: Kubernetes objects as the Python client's {@code to_dict()} writes them, read into
 * and written from fabric8's models by {@link org.kbatch.proxy.wire.WireCodec}.
 *
 * <p>Decisions, each tested in this package's tests:
 * <ul>
 *   <li><b>Names.</b> fabric8's JSON names in the Python client's spelling ({@code podIPs} → {@code pod_i_ps},
 *       {@code continue} → {@code _continue}, {@code exec} → {@code _exec}); see {@code PythonNames}. Reading accepts
 *       that spelling and fabric8's camelCase, mixed. Keys of free-form maps (any {@code Map} property: labels,
 *       annotations, resource limits, node selectors, ConfigMap data, ...) are never renamed.</li>
 *   <li><b>Null vs empty.</b> Written: every property of a model is present, {@code null} when unset, and an empty
 *       list or map is written as {@code null} (fabric8 initialises them empty, so empty means unset; Kubernetes omits
 *       empty ones, so Python's client shows {@code null} for them). Read: {@code null} for a list or map leaves
 *       fabric8's empty default, so a submission's labels, env, ... are never {@code null}; {@code null} for anything
 *       else stays {@code null}. So {@code null}, absent, {@code []} and {@code {}} round-trip as equals.</li>
 *   <li><b>Timestamps</b> are written with {@code +00:00} instead of {@code Z}, for the properties known to be
 *       timestamps only; other strings are never touched. Read as sent.</li>
 *   <li><b>Unknown keys</b> are a 422 naming the path ({@code Unknown key 'imagee' at
 *       job.spec.template.spec.containers[0]}); paths use the Python spelling. The only exceptions are the
 *       obsolete keys python-kubernetes 22.6 still sends ({@code ObjectMeta.cluster_name}), dropped. fabric8's
 *       {@code additionalProperties} is neither read nor written.</li>
 *   <li><b>Types.</b> Wrong JSON types are a 422 naming the path and what was expected. Scalars are read as strictly
 *       as the Kubernetes API server decodes them: nothing is coerced ({@code "5"} is not an integer, {@code 42} not
 *       a string, {@code "true"} not a boolean, a fraction not an integer); a quantity is a string or a number in
 *       Kubernetes' quantity syntax, an int-or-string field a 32-bit integer or a string; a {@code null} inside a
 *       list or map is refused.</li>
 *   <li><b>Syntax.</b> What is not JSON is a 400 that says what is wrong and where, line and column, in our words
 *       ({@code JsonSyntax} checks the body before the parser sees it, so no parser message reaches a user); a key
 *       twice in one object is a 422.</li>
 * </ul>
 */
package org.kbatch.proxy.wire;
