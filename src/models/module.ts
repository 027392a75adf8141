import { tf, type Tensor } from '../engine/tf.ts';

/**
 * A minimal torch.nn.Module: a tree of named children and named parameters, so that weights keep
 * their Hugging Face names (`transformer.h.0.attn.c_attn.weight`) and PEFT plugins can find, wrap
 * and replace layers by path, as peft does.
 */
export abstract class Module {
  private readonly _children = new Map<string, Module>();
  private readonly _params = new Map<string, tf.Variable>();
  training = false;

  protected registerModule<M extends Module>(name: string, m: M): M {
    this._children.set(name, m);
    return m;
  }

  /** Registers a parameter, taking ownership of `value`. */
  protected registerParameter(name: string, value: Tensor, trainable = true): tf.Variable {
    const v = tf.variable(value, trainable);
    value.dispose();
    this._params.set(name, v);
    return v;
  }

  parameter(name: string): tf.Variable {
    const p = this._params.get(name);
    if (!p) throw new Error(`${this.constructor.name} has no parameter '${name}'`);
    return p;
  }

  /** Replaces a parameter's value in place (loading weights), checking the shape. */
  assignParameter(name: string, value: Tensor): void {
    const p = this.parameter(name);
    if (p.shape.join(',') !== value.shape.join(',')) throw new Error(`shape mismatch for '${name}': model has [${p.shape}], checkpoint has [${value.shape}]`);
    p.assign(value);
  }

  children(): [string, Module][] {
    return [...this._children.entries()];
  }

  child(name: string): Module | undefined {
    return this._children.get(name);
  }

  /** Replaces a direct child (how adapters are injected). The caller keeps using the same name. */
  replaceChild(name: string, m: Module): void {
    if (!this._children.has(name)) throw new Error(`${this.constructor.name} has no child '${name}'`);
    this._children.set(name, m);
    this.onChildReplaced(name, m);
  }

  /** Subclasses that cache child references in fields refresh them here. */
  protected onChildReplaced(_name: string, _m: Module): void {}

  ownParameters(): [string, tf.Variable][] {
    return [...this._params.entries()];
  }

  namedParameters(prefix = ''): [string, tf.Variable][] {
    const out: [string, tf.Variable][] = [];
    for (const [n, p] of this._params) out.push([prefix + n, p]);
    for (const [n, c] of this._children) out.push(...c.namedParameters(`${prefix}${n}.`));
    return out;
  }

  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [[prefix.replace(/\.$/, ''), this]];
    for (const [n, c] of this._children) out.push(...c.namedModules(`${prefix}${n}.`));
    return out;
  }

  getSubmodule(path: string): Module {
    let m: Module = this;
    for (const part of path.split('.').filter(Boolean)) {
      const c = m.child(part);
      if (!c) throw new Error(`no submodule '${path}' (missing '${part}')`);
      m = c;
    }
    return m;
  }

  setSubmodule(path: string, replacement: Module): void {
    const parts = path.split('.');
    const last = parts.pop()!;
    const parent = parts.length ? this.getSubmodule(parts.join('.')) : this;
    parent.replaceChild(last, replacement);
  }

  train(on = true): this {
    for (const [, m] of this.namedModules()) m.training = on;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Number of elements over all parameters (trainable or not). */
  numParameters(): number {
    return this.namedParameters().reduce((s, [, p]) => s + p.size, 0);
  }

  dispose(): void {
    for (const [, p] of this.namedParameters()) p.dispose();
  }
}

/** Ordered children named 0, 1, 2… (torch.nn.ModuleList), so paths read `h.0.attn.c_attn`. */
export class ModuleList extends Module {
  private n = 0;
  add<M extends Module>(m: M): M {
    return this.registerModule(String(this.n++), m);
  }
}
