{{/* The config Secret's name: the user's, or the chart's. */}}
{{- define "metal-ccm.secretName" -}}
{{- default "metal-cloud-config" .Values.existingSecret -}}
{{- end -}}

{{/* Cluster-scoped objects (and Roles in shared namespaces) are named by the release and its namespace, so two releases never share one. */}}
{{- define "metal-ccm.rbacName" -}}
{{- printf "metal-ccm:%s:%s" .Release.Namespace .Release.Name -}}
{{- end -}}

{{- define "metal-ccm.labels" -}}
app.kubernetes.io/name: equinix-metal-ccm
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* A RoleBinding of the CCM's service account: name, namespace, role kind and name. */}}
{{- define "metal-ccm.binding" -}}
apiVersion: rbac.authorization.k8s.io/v1
kind: {{ .kind }}
metadata:
  name: {{ .name }}
  {{- with .namespace }}
  namespace: {{ . }}
  {{- end }}
  labels:
    {{- include "metal-ccm.labels" .root | nindent 4 }}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: {{ .roleKind }}
  name: {{ .role }}
subjects:
  - kind: ServiceAccount
    name: {{ .root.Values.serviceAccount.name }}
    namespace: {{ .root.Release.Namespace }}
{{- end -}}
