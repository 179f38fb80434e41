import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ROOT } from '../helpers/spawn-server.ts';

const DIR = join(ROOT, 'deploy/kubernetes');

/** The models of the kinds shipped: each validates against the Kubernetes OpenAPI schema it bundles. */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'apps/v1 Deployment': Deployment,
  'v1 Service': Service,
  'autoscaling/v2 HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1 PodDisruptionBudget': PodDisruptionBudget,
  'batch/v1 Job': Job,
  'v1 Secret': Secret,
};

type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  // biome-ignore lint/suspicious/noExplicitAny: untyped YAML, read by path; the schemas check it.
  [key: string]: any;
};

/** The same package's TypeScript type of each kind, for the unknown-field check below. */
const TYPES: Record<string, [module: string, type: string]> = {
  'apps/v1 Deployment': ['kubernetes-models/apps/v1/Deployment', 'IDeployment'],
  'v1 Service': ['kubernetes-models/v1/Service', 'IService'],
  'autoscaling/v2 HorizontalPodAutoscaler': [
    'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler',
    'IHorizontalPodAutoscaler',
  ],
  'policy/v1 PodDisruptionBudget': [
    'kubernetes-models/policy/v1/PodDisruptionBudget',
    'IPodDisruptionBudget',
  ],
  'batch/v1 Job': ['kubernetes-models/batch/v1/Job', 'IJob'],
  'v1 Secret': ['kubernetes-models/v1/Secret', 'ISecret'],
};

/**
 * Fields the schemas do not know. The bundled JSON schemas accept any extra field (as `kubectl
 * apply` without strict validation does), so a misspelt `readOnlyRootFilesytem` would pass them;
 * TypeScript's excess-property check against the package's types does not let it. Each document
 * becomes a typed object literal in a file type-checked in memory; the answer is one line per error.
 */
function unknownFields(documents: readonly { file: string; manifest: Manifest }[]): string[] {
  const path = join(ROOT, 'test/deploy/manifests.check.ts');
  const lines = documents.map(({ manifest }, i) => {
    const [module, type] = TYPES[`${manifest.apiVersion} ${manifest.kind}`] ?? [];
    return `export const m${i}: import('${module}').${type} = ${JSON.stringify(manifest)};`;
  });
  const source = lines.join('\n');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    skipLibCheck: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists } = host;
  host.getSourceFile = (name, language, ...rest) =>
    name === path
      ? ts.createSourceFile(name, source, language)
      : getSourceFile(name, language, ...rest);
  host.fileExists = (name) => name === path || fileExists(name);
  const program = ts.createProgram([path], options, host);
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const line = diagnostic.file?.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line ?? 0;
    const where = documents[line];
    return `${where?.file} ${where?.manifest.metadata.name}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')}`;
  });
}

function loadManifests(): { file: string; manifest: Manifest }[] {
  const files = readdirSync(DIR).filter(
    (name) => name.endsWith('.yaml') && name !== 'kustomization.yaml',
  );
  return files.flatMap((file) =>
    parseAllDocuments(readFileSync(join(DIR, file), 'utf8')).map((document) => {
      if (document.errors.length > 0) throw new Error(`${file}: ${document.errors[0]?.message}`);
      return { file, manifest: document.toJS() as Manifest };
    }),
  );
}

const manifests = loadManifests();
const ofKind = (kind: string) => manifests.filter(({ manifest }) => manifest.kind === kind);
const one = (kind: string, name: string): Manifest => {
  const found = ofKind(kind).find(({ manifest }) => manifest.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in deploy/kubernetes`);
  return found.manifest;
};

const deployment = one('Deployment', 'tessera');
const job = one('Job', 'tessera-migrate');
const podSpecs = [
  { what: 'Deployment', spec: deployment.spec.template.spec },
  { what: 'migration Job', spec: job.spec.template.spec },
];

describe('the Kubernetes manifests (deploy/kubernetes)', () => {
  it('every document validates against the Kubernetes schema of its kind', () => {
    expect(manifests.length).toBeGreaterThanOrEqual(8);
    for (const { file, manifest } of manifests) {
      const Model = MODELS[`${manifest.apiVersion} ${manifest.kind}`];
      expect(
        Model,
        `${file}: ${manifest.apiVersion} ${manifest.kind} is not a kind shipped here`,
      ).toBeDefined();
      expect(
        () => new (Model as NonNullable<typeof Model>)(manifest as never).validate(),
        file,
      ).not.toThrow();
    }
  });

  it('no document has a field its kind does not know (a misspelling is caught)', () => {
    const misspelt = structuredClone(deployment);
    misspelt.spec.template.spec.containers[0].securityContext.readOnlyRootFilesytem = true;
    const found = unknownFields([...manifests, { file: 'misspelt.yaml', manifest: misspelt }]);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^misspelt\.yaml tessera: .*'"readOnlyRootFilesytem"' does not exist/);
  }, 120_000);

  it('the validator refuses a broken manifest (it is not a no-op)', () => {
    const broken = structuredClone(deployment);
    broken.spec.template.spec.containers[0].ports[0].containerPort = 'http';
    expect(() => new Deployment(broken as never).validate()).toThrow(/containerPort/);
    const noSelector = structuredClone(deployment);
    delete noSelector.spec.selector;
    expect(() => new Deployment(noSelector as never).validate()).toThrow(/selector/);
  });

  it('the kustomization lists every manifest but the Secrets, and nothing else', () => {
    const kustomization = parseAllDocuments(
      readFileSync(join(DIR, 'kustomization.yaml'), 'utf8'),
    )[0]?.toJS();
    const files = [...new Set(manifests.map(({ file }) => file))].filter(
      (file) => file !== 'secrets.yaml',
    );
    expect([...kustomization.resources].sort()).toEqual(files.sort());
  });

  it('probes /healthz for liveness and start-up and /readyz for readiness, on the served port', () => {
    const [container] = deployment.spec.template.spec.containers;
    expect(container.livenessProbe.httpGet).toMatchObject({ path: '/healthz', port: 'http' });
    expect(container.startupProbe.httpGet).toMatchObject({ path: '/healthz', port: 'http' });
    expect(container.readinessProbe.httpGet).toMatchObject({ path: '/readyz', port: 'http' });
    const http = container.ports.find((port: { name: string }) => port.name === 'http');
    const env = Object.fromEntries(
      container.env.map((e: { name: string; value: string }) => [e.name, e.value]),
    );
    expect(String(http.containerPort)).toBe(env.PORT);
    expect(env.HOST).toBe('0.0.0.0');
  });

  it.each(podSpecs)(
    'the $what runs as non-root on a read-only root filesystem, without privileges',
    ({ spec }) => {
      expect(spec.securityContext.runAsNonRoot).toBe(true);
      expect(spec.securityContext.runAsUser).toBeGreaterThan(0);
      expect(spec.securityContext.seccompProfile.type).toBe('RuntimeDefault');
      expect(spec.automountServiceAccountToken).toBe(false);
      for (const container of spec.containers) {
        expect(container.securityContext).toMatchObject({
          runAsNonRoot: true,
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          privileged: false,
          capabilities: { drop: ['ALL'] },
        });
        // Everything the process writes is a volume: the root filesystem stays read-only.
        const mounted = container.volumeMounts.map(
          (mount: { mountPath: string }) => mount.mountPath,
        );
        expect(mounted).toContain('/tmp');
      }
    },
  );

  it.each(podSpecs)('the $what sets CPU and memory requests and limits', ({ spec }) => {
    for (const container of spec.containers) {
      for (const bound of ['requests', 'limits'])
        for (const resource of ['cpu', 'memory'])
          expect(container.resources?.[bound]?.[resource], `${bound}.${resource}`).toBeTruthy();
    }
  });

  it('the service serves as the runtime role, and only the Job migrates, as the owner', () => {
    const [container] = deployment.spec.template.spec.containers;
    const env = Object.fromEntries(
      container.env.map((e: { name: string; value: string }) => [e.name, e]),
    );
    expect(env.MIGRATE_ON_START.value).toBe('false');
    expect(env.NODE_ENV.value).toBe('production');
    expect(container.args).toEqual(['node', 'src/launcher.cjs', 'serve']);
    const [migrate] = job.spec.template.spec.containers;
    expect(migrate.args).toEqual([
      'node',
      'src/launcher.cjs',
      'migrate',
      '--grant-runtime-role',
      'tessera_runtime',
    ]);
    expect(migrate.image).toBe(container.image);
    const owner = migrate.env.find((e: { name: string }) => e.name === 'DATABASE_URL');
    expect(owner.valueFrom.secretKeyRef).toEqual({ name: 'tessera-migrate', key: 'DATABASE_URL' });
    // The service's pods never see the owner's credentials.
    expect(JSON.stringify(deployment)).not.toContain('tessera-migrate');
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
  });

  it('secrets come from Secrets the manifests name but do not fill', () => {
    const secretNames = ofKind('Secret').map(({ manifest }) => manifest.metadata.name);
    expect(secretNames.sort()).toEqual(['tessera', 'tessera-migrate', 'tessera-sms-routes']);
    for (const { manifest } of ofKind('Secret')) {
      expect(manifest.data, manifest.metadata.name).toBeUndefined();
      for (const [key, value] of Object.entries(manifest.stringData))
        expect(value, `${manifest.metadata.name}.${key}`).toBe('');
    }
    expect(Object.keys(one('Secret', 'tessera').stringData).sort()).toEqual([
      'DATABASE_URL',
      'REDIS_URL',
      'SECRET_KEY',
    ]);
    // No secret travels as a plain env value in the workloads; the routes are a mounted file.
    for (const { spec } of podSpecs) {
      const [container] = spec.containers;
      const names = container.env
        .filter((e: { value?: string }) => e.value !== undefined)
        .map((e: { name: string }) => e.name);
      for (const secret of [
        'SECRET_KEY',
        'DATABASE_URL',
        'REDIS_URL',
        'SMS_ROUTES',
        'METRICS_TOKEN',
      ])
        expect(names).not.toContain(secret);
      expect(container.envFrom).toEqual([{ secretRef: { name: 'tessera' } }]);
      const routes = spec.volumes.find((volume: { name: string }) => volume.name === 'sms-routes');
      expect(routes.secret).toEqual({ secretName: 'tessera-sms-routes', defaultMode: 0o440 });
    }
  });

  it('a drain keeps one replica serving and the grace period covers the shutdown', () => {
    const hpa = one('HorizontalPodAutoscaler', 'tessera');
    const pdb = one('PodDisruptionBudget', 'tessera');
    const service = one('Service', 'tessera');
    const labels = deployment.spec.template.metadata.labels;
    expect(hpa.spec.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'tessera',
    });
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(pdb.spec.maxUnavailable).toBe(1);
    expect(pdb.spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
    expect(service.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    expect(labels).toMatchObject(deployment.spec.selector.matchLabels);
    const env = Object.fromEntries(
      deployment.spec.template.spec.containers[0].env.map((e: { name: string; value: string }) => [
        e.name,
        Number(e.value),
      ]),
    );
    // The delay, the drain and some seconds for the flushes fit before Kubernetes sends SIGKILL.
    expect(env.SHUTDOWN_DELAY_MS + env.DRAIN_TIMEOUT_MS + 10_000).toBeLessThanOrEqual(
      deployment.spec.template.spec.terminationGracePeriodSeconds * 1000,
    );
  });
});
