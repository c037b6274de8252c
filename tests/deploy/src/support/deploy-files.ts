/** The deployment files under test, read and parsed from the workspace. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { workspaceRoot } from '@crux/test-harness';

export const root = workspaceRoot();
export const deployPath = (...parts: string[]) => join(root, 'deploy', ...parts);
export const readText = (path: string) => readFileSync(path, 'utf8');

/** The four services, as named in compose, in their NATS users and in apps/. */
export const SERVICES = ['gateway', 'job-state', 'worker', 'audit'] as const;
export type Service = (typeof SERVICES)[number];

export const NATS_NODES = [1, 2, 3] as const;

export interface ComposeService {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test?: string[] };
  configs?: Array<{ source: string; target: string }>;
  volumes?: string[];
  secrets?: string[];
  deploy?: { replicas?: number };
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  configs: Record<string, { file: string }>;
  secrets: Record<string, { file: string }>;
  volumes: Record<string, unknown>;
}

/** docker-compose.yml as written (anchors and `<<` merges resolved, `${…}` left as text). */
export function composeFile(): ComposeFile {
  return parse(readText(join(root, 'docker-compose.yml')), { merge: true }) as ComposeFile;
}

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec?: Record<string, unknown>;
  [key: string]: unknown;
}

/** Every object in one deploy/k8s manifest. */
export function k8sObjects(file: string): K8sObject[] {
  return parseAllDocuments(readText(deployPath('k8s', file))).map((doc) => {
    if (doc.errors.length) throw new Error(`deploy/k8s/${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
    return doc.toJS() as K8sObject;
  });
}

export function kustomization(folder: string): { resources?: string[]; configMapGenerator?: Array<{ name: string; files: string[] }> } {
  return parse(readText(deployPath(folder, 'kustomization.yaml')));
}
