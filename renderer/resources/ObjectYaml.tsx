// An object's YAML as `kubectl get -o yaml` shows it (managedFields left
// out), read-only, following the object as it changes.

import type { ObjectRef } from '../../preload/api.ts';
import { requireBridge } from '../bridge.ts';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { YamlEditor } from '../components/YamlEditor.tsx';
import { useCall } from '../hooks/useCall.ts';

export function ObjectYaml({ target, resourceVersion }: { target: ObjectRef; resourceVersion?: string }) {
  const yaml = useCall(() => requireBridge().call('objects.yaml', target), [JSON.stringify(target), resourceVersion]);
  return (
    <div className="object-yaml">
      {yaml.error && <ErrorBox error={yaml.error} />}
      <YamlEditor label="Object YAML" value={yaml.value ?? ''} marks={[]} onChange={() => undefined} readOnly />
    </div>
  );
}
