/**
 * The setup language in Groovy: {@link dev.sixkit.dsl.groovy.ScriptRunner} compiles and runs
 * scripts on the {@link dev.sixkit.dsl.groovy.SixkitScript} base class (the top-level words
 * {@code setup}, {@code plan()}, {@code apply()}, {@code verify()}, {@code undo()}, {@code host},
 * {@code lab}) with the SDK's packages imported, in a {@link dev.sixkit.dsl.groovy.DslSession} that
 * says where results go; Groovy errors come out as a script line and a sentence.
 */
package dev.sixkit.dsl.groovy;
