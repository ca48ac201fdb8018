import { dockerRuntime } from './docker.js';
import { ociRuntime } from './oci-runtime.js';
import { podmanRuntime } from './podman.js';
import type { ContainerRuntimeName, Runtime, RuntimeContext } from './runtime.js';

/** Every container runtime unik can bench, in the order they run within a round. */
export const CONTAINER_RUNTIMES: readonly ContainerRuntimeName[] = ['runc', 'crun', 'podman', 'docker'];

export function containerRuntime(name: ContainerRuntimeName, ctx: RuntimeContext): Runtime {
  switch (name) {
    case 'runc':
    case 'crun':
      return ociRuntime(name, ctx);
    case 'podman':
      return podmanRuntime(ctx);
    case 'docker':
      return dockerRuntime(ctx);
  }
}
